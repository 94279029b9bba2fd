import type { ActionLinkSettings } from '../actions/token.js';

/**
 * What a renderer needs besides the notification: the clock and links. Renderers never read the clock or the
 * environment themselves, so the same notification and context always give the same bytes (golden tests).
 */

export interface ReportContext {
  /** RFC 3339 "now", for "failing for 2 h 14 min". */
  now: string;
  /** IANA time zone for the times shown to people; default UTC. */
  timeZone?: string;
  /** Shown in subjects and footers; default `amlmon`. */
  productName?: string;
  /** Where this project's documentation lives (the README / docs/delivery.md); linked from every message. */
  docsUrl?: string;
  /**
   * Link to the full report of an incident, used by the Teams card when it truncates evidence. Falls back to the
   * incident's evidence bundle, then its portal page.
   */
  fullReportUrl?: string;
  /** Byte budget of the Teams message (the whole JSON envelope); default 20 000, Workflows rejects ~28 KB. */
  maxCardBytes?: number;
  /** Evidence lines shown per finding in email; default 12 (the card shows fewer when it must). */
  maxEvidenceLines?: number;
  /**
   * Resource id of the storage account that holds archived evidence bundles, for a portal link next to the
   * download command (`EVIDENCE_STORAGE_ACCOUNT_ID`).
   */
  evidenceStorageAccountId?: string;
  /** A rendered chart of the week, for digests (see shared/digest/chart.ts). */
  chart?: DigestChart;
  /** Signs Acknowledge / Mute / Unmute links onto alerts (shared/report/actions.ts); none when absent. */
  actionLinks?: ActionLinkSettings;
}

/** An image carried inside an email, referenced from its HTML by content id. */
export interface InlineAttachment {
  name: string;
  contentType: string;
  /** Referenced from the HTML as `cid:<contentId>`. */
  contentId: string;
  contentInBase64: string;
}

export interface DigestChart {
  /** PNG for email (inline attachment); large, sharp. */
  emailPng: Uint8Array;
  /** Smaller PNG for the Teams card (data URI), or absent when it would not fit. */
  cardPng?: Uint8Array;
  /** Alt text: what the chart shows, in words. */
  alt: string;
}

export const DEFAULT_MAX_CARD_BYTES = 20_000;
export const DEFAULT_MAX_EVIDENCE_LINES = 12;
/** One evidence line longer than this is clipped with a visible marker (a whole element is still kept). */
export const MAX_LINE_CHARS = 600;
/** The content id the digest email uses for its inline chart (`<img src="cid:...">`). */
export const CHART_CONTENT_ID = 'amlmon-week-chart';
