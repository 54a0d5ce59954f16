/**
 * Which files agents and visitors may upload, and how a file's first bytes must look for its
 * declared type: a file is stored only when its content is what it says it is (an "image" that is
 * an HTML page or an executable is refused). Attachments are always downloaded as attachments with
 * `nosniff`, never rendered in the console's origin, as mail attachments are.
 */
export interface FileKind {
  type: string;
  ext: string[];
  /** whether the first bytes fit (undefined: text, checked for NUL bytes) */
  magic?: (head: Buffer) => boolean;
  image?: boolean;
}

const starts = (...bytes: number[]) => (h: Buffer) => bytes.every((b, i) => h[i] === b);
const ascii = (s: string, at = 0) => (h: Buffer) => h.subarray(at, at + s.length).toString('latin1') === s;
const zip = starts(0x50, 0x4b, 0x03, 0x04);
const isoMedia = (brands: string[]) => (h: Buffer) => ascii('ftyp', 4)(h) && brands.includes(h.subarray(8, 12).toString('latin1'));

export const FILE_KINDS: FileKind[] = [
  { type: 'image/jpeg', ext: ['jpg', 'jpeg'], magic: starts(0xff, 0xd8, 0xff), image: true },
  { type: 'image/png', ext: ['png'], magic: starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), image: true },
  { type: 'image/gif', ext: ['gif'], magic: ascii('GIF8'), image: true },
  { type: 'image/webp', ext: ['webp'], magic: (h) => ascii('RIFF')(h) && ascii('WEBP', 8)(h), image: true },
  { type: 'image/heic', ext: ['heic', 'heif'], magic: isoMedia(['heic', 'heix', 'mif1', 'msf1', 'heim', 'heis']), image: true },
  { type: 'application/pdf', ext: ['pdf'], magic: ascii('%PDF-') },
  { type: 'video/mp4', ext: ['mp4', 'm4v'], magic: isoMedia(['isom', 'iso2', 'mp41', 'mp42', 'avc1', 'M4V ', 'dash']) },
  { type: 'video/quicktime', ext: ['mov'], magic: isoMedia(['qt  ']) },
  { type: 'text/plain', ext: ['txt', 'log'] },
  { type: 'text/csv', ext: ['csv'] },
  { type: 'application/zip', ext: ['zip'], magic: zip },
  { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: ['docx'], magic: zip },
  { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: ['xlsx'], magic: zip },
  { type: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', ext: ['pptx'], magic: zip },
];

export type UploadPolicy = 'agent' | 'visitor';

/** The kinds a policy accepts: agents any of the list, website visitors photos (and short videos) only. */
export function acceptedKinds(policy: UploadPolicy): FileKind[] {
  return policy === 'visitor' ? FILE_KINDS.filter((k) => k.image || k.type === 'video/mp4') : FILE_KINDS;
}

/** The declared media type without parameters, lower case (`image/jpeg; foo=bar` → `image/jpeg`). */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

/** Whether the file's first bytes are of the declared kind. */
export function contentFits(kind: FileKind, head: Buffer): boolean {
  if (kind.magic) return kind.magic(head);
  return !head.includes(0); // text: no NUL byte in what we read
}

/** A file name safe to store and show: no path, no control characters, at most 200 characters. */
export function cleanFilename(name: string | undefined, kind: FileKind): string {
  const base = (name ?? '').replace(/^.*[\\/]/, '').replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
  return base || `attachment.${kind.ext[0]}`;
}
