import type { BilingualText } from '@nix/domain';

/** Names of what report rows identify, in both languages; the rows themselves carry identifiers only. */
export interface ReportLabels {
  agencies: Record<string, BilingualText>;
  registries: Record<string, BilingualText>;
  /** Keyed registry/service. */
  services: Record<string, BilingualText>;
}

/** Where names come from: the contracts and the service catalogue. */
export interface ReportDirectory {
  agencyName(id: string): BilingualText | undefined;
  registryTitle(registry: string): BilingualText | undefined;
  serviceTitle(registry: string, service: string): BilingualText | undefined;
}

export const UNKNOWN: BilingualText = { fa: 'نامشخص', en: 'unknown' };

/** The names of the agencies, registries and services that rows mention. */
export function labelsFor(
  rows: readonly { consumer?: string; provider?: string; agency?: string; registry?: string; service?: string }[],
  directory: ReportDirectory,
): ReportLabels {
  const labels: ReportLabels = { agencies: {}, registries: {}, services: {} };
  const agency = (id: string | undefined) => {
    if (!id || labels.agencies[id]) return;
    const name = directory.agencyName(id);
    if (name) labels.agencies[id] = name;
  };
  for (const row of rows) {
    agency(row.consumer);
    agency(row.provider);
    agency(row.agency);
    if (row.registry && !labels.registries[row.registry]) {
      const title = directory.registryTitle(row.registry);
      if (title) labels.registries[row.registry] = title;
    }
    if (row.registry && row.service) {
      const key = `${row.registry}/${row.service}`;
      const title = labels.services[key] ?? directory.serviceTitle(row.registry, row.service);
      if (title) labels.services[key] = title;
    }
  }
  return labels;
}

export function nameIn(text: BilingualText | undefined, lang: 'fa' | 'en', fallback: string): string {
  return text?.[lang] ?? (fallback === '' ? UNKNOWN[lang] : fallback);
}
