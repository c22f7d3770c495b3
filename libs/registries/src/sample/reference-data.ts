/** Curated reference lists that make sample records look like Iran's. */

export interface ProvinceZone {
  province: string;
  city: string;
  /** Leading postal-code digits of the city's zone (never 0 or 2). */
  postalPrefixes: string[];
  latitude: number;
  longitude: number;
}

export const PROVINCE_ZONES: ProvinceZone[] = [
  { province: 'تهران', city: 'تهران', postalPrefixes: ['11', '13', '14', '15', '16', '17', '18', '19'], latitude: 35.6892, longitude: 51.389 },
  { province: 'اصفهان', city: 'اصفهان', postalPrefixes: ['81'], latitude: 32.6546, longitude: 51.668 },
  { province: 'خراسان رضوی', city: 'مشهد', postalPrefixes: ['91'], latitude: 36.2605, longitude: 59.6168 },
  { province: 'فارس', city: 'شیراز', postalPrefixes: ['71'], latitude: 29.5918, longitude: 52.5837 },
  { province: 'آذربایجان شرقی', city: 'تبریز', postalPrefixes: ['51'], latitude: 38.0962, longitude: 46.2738 },
  { province: 'خوزستان', city: 'اهواز', postalPrefixes: ['61'], latitude: 31.3183, longitude: 48.6706 },
  { province: 'گیلان', city: 'رشت', postalPrefixes: ['41'], latitude: 37.2808, longitude: 49.5832 },
  { province: 'کرمان', city: 'کرمان', postalPrefixes: ['76'], latitude: 30.2839, longitude: 57.0834 },
  { province: 'مازندران', city: 'ساری', postalPrefixes: ['48'], latitude: 36.5633, longitude: 53.0601 },
  { province: 'البرز', city: 'کرج', postalPrefixes: ['31'], latitude: 35.8355, longitude: 50.9915 },
  { province: 'قم', city: 'قم', postalPrefixes: ['37'], latitude: 34.6416, longitude: 50.8746 },
  { province: 'یزد', city: 'یزد', postalPrefixes: ['89'], latitude: 31.8974, longitude: 54.3569 },
  { province: 'همدان', city: 'همدان', postalPrefixes: ['65'], latitude: 34.7992, longitude: 48.5146 },
  { province: 'کرمانشاه', city: 'کرمانشاه', postalPrefixes: ['67'], latitude: 34.3142, longitude: 47.065 },
  { province: 'هرمزگان', city: 'بندرعباس', postalPrefixes: ['79'], latitude: 27.1832, longitude: 56.2666 },
];

export const VEHICLE_MODELS: { make: string; wmi: string; models: string[] }[] = [
  { make: 'ایران خودرو', wmi: 'NAA', models: ['سمند', 'پژو ۲۰۶', 'پژو پارس', 'دنا', 'رانا', 'تارا'] },
  { make: 'سایپا', wmi: 'NAS', models: ['پراید', 'تیبا', 'ساینا', 'کوییک', 'شاهین'] },
  { make: 'پارس خودرو', wmi: 'NAP', models: ['تندر ۹۰', 'برلیانس H330'] },
  { make: 'کرمان موتور', wmi: 'NAK', models: ['جک S5', 'جک J4'] },
  { make: 'مدیران خودرو', wmi: 'NAM', models: ['ام‌وی‌ام X22', 'ام‌وی‌ام 315'] },
];

export const VEHICLE_COLOURS = ['سفید', 'مشکی', 'نقره‌ای', 'خاکستری', 'آبی', 'قرمز', 'سبز', 'بژ'];

/** ISO 3779 model-year characters, 2001 to 2025. */
export const MODEL_YEAR_CODES: Record<number, string> = Object.fromEntries(
  [...'123456789ABCDEFGHJKLMNPRS'].map((code, i) => [2001 + i, code]),
);

export const GOODS_KINDS: { hsCode: string; title: string; fa: string; en: string }[] = [
  { hsCode: '22011010', title: 'آب معدنی', fa: 'آب آشامیدنی معدنی', en: 'Mineral drinking water' },
  { hsCode: '04012000', title: 'شیر', fa: 'شیر پاستوریزه', en: 'Pasteurised milk' },
  { hsCode: '19053100', title: 'بیسکویت', fa: 'بیسکویت', en: 'Sweet biscuits' },
  { hsCode: '17019910', title: 'شکر', fa: 'شکر سفید', en: 'White sugar' },
  { hsCode: '15079090', title: 'روغن سویا', fa: 'روغن خوراکی سویا', en: 'Soya-bean cooking oil' },
  { hsCode: '34011100', title: 'صابون', fa: 'صابون بهداشتی', en: 'Toilet soap' },
  { hsCode: '10063000', title: 'برنج', fa: 'برنج سفید', en: 'White rice' },
  { hsCode: '09024000', title: 'چای سیاه', fa: 'چای سیاه', en: 'Black tea' },
  { hsCode: '20091900', title: 'آب پرتقال', fa: 'آب پرتقال', en: 'Orange juice' },
  { hsCode: '33061000', title: 'خمیر دندان', fa: 'خمیر دندان', en: 'Toothpaste' },
];

export const GOODS_SIZES: { fa: string; en: string }[] = [
  { fa: '۲۵۰ گرمی', en: '250 g' },
  { fa: '۵۰۰ گرمی', en: '500 g' },
  { fa: '۱ کیلوگرمی', en: '1 kg' },
  { fa: '۱ لیتری', en: '1 L' },
  { fa: '۱٫۵ لیتری', en: '1.5 L' },
];
