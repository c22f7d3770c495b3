// The status page's words in Persian and English. A classic script: it defines window.NixStatusI18n.
(() => {
  'use strict';
  const fa = {
    title: 'وضعیت خدمات مرکز ملی تبادل اطلاعات',
    language: 'English',
    updated: 'به‌روزشده:',
    allOperational: 'همه خدمات برقرارند',
    someNotOperational: (n, shown) => `${shown} خدمت به‌طور کامل برقرار نیست`,
    versions: 'نسخه',
    hours: 'ساعات ارائه خدمت',
    around: 'شبانه‌روزی، همه روزهای هفته',
    tehranTime: 'به وقت تهران',
    maintenance: 'تعمیرات برنامه‌ریزی‌شده',
    incidents: 'رخدادهای اخیر',
    noMaintenance: 'برنامه‌ای اعلام نشده است',
    noIncidents: 'رخدادی ثبت نشده است',
    ongoing: 'ادامه دارد',
    from: 'از',
    until: 'تا',
    loading: 'در حال بارگذاری…',
    footnote: 'وضعیت از دید این نمونه مرکز است و هر چند ثانیه به‌روز می‌شود؛ رخداد یعنی زمانی که مرکز درخواست‌ها به یک پایگاه را به‌خاطر خطاهای پیاپی متوقف کرد.',
    state: { operational: 'برقرار', degraded: 'اختلال جزئی', down: 'قطع', maintenance: 'در حال تعمیر' },
    days: { sat: 'شنبه', sun: 'یکشنبه', mon: 'دوشنبه', tue: 'سه‌شنبه', wed: 'چهارشنبه', thu: 'پنجشنبه', fri: 'جمعه' },
  };
  const en = {
    title: 'National Information Exchange — service status',
    language: 'فارسی',
    updated: 'Updated',
    allOperational: 'All services are operational',
    someNotOperational: (n, shown) => `${shown} service${n === 1 ? ' is' : 's are'} not fully operational`,
    versions: 'Version',
    hours: 'Service hours',
    around: 'Around the clock, every day',
    tehranTime: 'Tehran time',
    maintenance: 'Planned maintenance',
    incidents: 'Recent incidents',
    noMaintenance: 'None announced',
    noIncidents: 'None recorded',
    ongoing: 'ongoing',
    from: 'from',
    until: 'until',
    loading: 'Loading…',
    footnote: "The status is as this exchange instance sees it and refreshes every few seconds; an incident is a time when the exchange stopped sending inquiries to a registry after repeated failures.",
    state: { operational: 'Operational', degraded: 'Degraded', down: 'Down', maintenance: 'Under maintenance' },
    days: { sat: 'Saturday', sun: 'Sunday', mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday' },
  };
  window.NixStatusI18n = { fa, en };
})();
