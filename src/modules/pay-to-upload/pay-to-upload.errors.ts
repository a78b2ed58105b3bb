/**
 * A refusal of seed 000's routes: the message is shown to the person uploading (the seed says so), so it
 * is one short sentence they can act on. Answered HTTP 200 `{success: false, message}` (PayToUploadFilter).
 */
export class PayToUploadRefusal extends Error {
  constructor(
    message: string,
    /** Set by the rate limit: seconds before the client may ask again (the Retry-After header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'PayToUploadRefusal';
  }
}

const refuse = (message: string) => new PayToUploadRefusal(message);

export const notConfigured = () => refuse('The pay-to-upload service is not configured on this server.');
export const tooManyInvoices = (retryAfterSeconds: number) =>
  new PayToUploadRefusal(
    `Too many invoices were requested from your address; try again in ${retryAfterSeconds} seconds.`,
    retryAfterSeconds,
  );
export const lightningUnavailable = () =>
  refuse('Lightning payments are unavailable right now; please try again in a few minutes.');
export const missingField = (field: string) => refuse(`The field ${field} is missing.`);
export const notText = (field: string) => refuse(`The field ${field} must be a string.`);
export const sentTwice = (field: string) => refuse(`Send ${field} once.`);
export const unknownInvoice = () => refuse('No invoice has this payment_hash; ask for a new invoice.');
export const dateMismatch = () =>
  refuse('This date does not belong to this invoice; send the one received with it.');
export const notPaidYet = () => refuse('The invoice has not been paid yet.');
export const invoiceExpired = () => refuse('The invoice expired before it was paid; ask for a new one.');
export const invoiceCancelled = () => refuse('The invoice was cancelled; ask for a new one.');
export const alreadyUsed = () => refuse('This invoice has already been used to upload a file.');
export const noFile = () => refuse('No file was sent: attach the file to the form.');
export const notMultipart = () => refuse('Send the file and its fields as multipart/form-data.');
export const tooManyFiles = () => refuse('Send one file per invoice.');
export const fileTooLarge = (maxBytes: number) => refuse(`The file is larger than ${formatBytes(maxBytes)}.`);
export const fileTypeRefused = () => refuse('Only PDF, JPEG and PNG files are accepted.');
export const malformedForm = () => refuse('The upload form is malformed; please send it again.');
export const uploadInterrupted = () => refuse('The upload was interrupted; please send it again.');
export const nestedTooDeep = () => refuse('The request body is nested too deeply.');
export const brokenText = (field: string) => refuse(`The field ${field} holds broken characters.`);
export const malformedJson = () => refuse('The request body is not valid JSON.');
export const unexpectedFailure = () => refuse('Something went wrong on our side; please try again.');

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (Number.isInteger(mib)) return `${mib} MiB`;
  const kib = bytes / 1024;
  return Number.isInteger(kib) ? `${kib} KiB` : `${bytes} bytes`;
}
