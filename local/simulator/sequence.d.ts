/** Types of sequence.js (a plain ES module served to the browser as is). */
export declare const LANES: readonly ['Browser', 'Adapter', 'Provider', 'Alexa'];
export type Lane = (typeof LANES)[number];
export interface Hop {
  from: Lane;
  to: Lane;
  label: string;
  status: 'ok' | 'fail' | 'repaired' | 'probe';
  requestId?: string;
}
export interface Picture {
  mode?: string;
  authorizeSent?: boolean;
  returned?: { ok: boolean; label: string };
  probe?: { ok: boolean; label: string };
  marks?: Record<string, { alexa: 'pass' | 'fail'; provider?: 'pass' | 'fail' | 'repaired' }>;
}
export declare function escapeXml(text: string): string;
export declare function hopsFromRecords(records: readonly object[], picture?: Picture): Hop[];
export declare function renderSequenceSvg(hops: readonly Hop[], options?: { title?: string }): string;
