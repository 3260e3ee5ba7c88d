import { createHash } from 'node:crypto';
import sharp, { type OutputInfo } from 'sharp';
import { AppError } from '../errors';

/** Upload limit of PUT /api/v1/admin/events/:slug/image (CONTRACT.md). */
export const MAX_IMAGE_BYTES = 1024 * 1024;
export const ACCEPTED_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
/** Wide enough for a sharp banner on a phone at 3x and on a desktop card; anything wider is resized down. */
export const IMAGE_WIDTH = 1200;
/** A decompression bomb (a tiny file of enormous dimensions) is refused before it is decoded. */
const MAX_INPUT_PIXELS = 40_000_000;

export const imageMessages = {
  type: 'Upload a PNG, JPEG or WebP image (Content-Type image/png, image/jpeg or image/webp).',
  notImage: 'That file is not a PNG, JPEG or WebP image.',
  tooLarge: 'Images can be at most 1 MB.',
  unreadable: 'That image could not be read. Save it again as PNG, JPEG or WebP and retry.',
  empty: 'Send the image bytes as the request body.',
};

export type ImageKind = 'png' | 'jpeg' | 'webp';

/** The real type, from the file's first bytes; the Content-Type header is never trusted for it. */
export function sniffImage(bytes: Buffer): ImageKind | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

export interface ProcessedImage {
  /** Content-hashed file name: a new image always gets a new URL, so it can be cached for a year. */
  file: string;
  mime: 'image/webp';
  width: number;
  height: number;
  bytes: Buffer;
}

/**
 * Checks and normalises an upload: sniffed type, size, decodable, then re-encoded as WebP at
 * most IMAGE_WIDTH wide (EXIF rotation applied, metadata such as GPS stripped).
 */
export async function processEventImage(bytes: Buffer): Promise<ProcessedImage> {
  if (bytes.length === 0) throw new AppError('invalid_request', imageMessages.empty);
  if (bytes.length > MAX_IMAGE_BYTES) throw new AppError('payload_too_large', imageMessages.tooLarge);
  if (!sniffImage(bytes)) throw new AppError('unsupported_media_type', imageMessages.notImage);
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: IMAGE_WIDTH, withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer({ resolveWithObject: true });
  } catch {
    throw new AppError('invalid_request', imageMessages.unreadable);
  }
  const hash = createHash('sha256').update(out.data).digest('hex').slice(0, 32);
  return { file: `${hash}.webp`, mime: 'image/webp', width: out.info.width, height: out.info.height, bytes: out.data };
}
