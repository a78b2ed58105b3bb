/** The events the bank module records (see src/events). */
export const BANK_OPERATION_DATE_CHANGED = 'bank_operation.date_changed';

declare module '../../events/domain-events.js' {
  interface EventPayloads {
    /** A line's date changed: a pending line confirmed by a statement line dated differently. */
    [BANK_OPERATION_DATE_CHANGED]: { operationId: string; previousDate: string; date: string };
  }
}
