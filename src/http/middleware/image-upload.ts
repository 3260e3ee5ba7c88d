import busboy from 'busboy';
import type { RequestHandler } from 'express';
import { imageMessages, MAX_IMAGE_BYTES } from '../../events/image-processing';
import { AppError } from '../../errors';

declare module 'express-serve-static-core' {
  interface Request {
    /** The one uploaded file of a multipart image form (parseImageUpload). */
    uploadedImage?: Buffer;
  }
}

/**
 * A multipart form with one file field `image` (at most 1 MB) and small text fields (the
 * CSRF token). Fields land in req.body, so the session CSRF check runs after it as usual.
 */
export const parseImageUpload: RequestHandler = (req, _res, next) => {
  if (!req.is('multipart/form-data')) return next(new AppError('unsupported_media_type', 'Send the image with the upload form (multipart/form-data).'));
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: MAX_IMAGE_BYTES, fields: 5, fieldSize: 1024 } });
  } catch {
    return next(new AppError('invalid_request', 'The upload could not be read.'));
  }
  const fields: Record<string, string> = {};
  const chunks: Buffer[] = [];
  let tooLarge = false;
  let done = false;
  const finish = (err?: Error) => {
    if (done) return;
    done = true;
    if (err) return next(err);
    if (tooLarge) return next(new AppError('payload_too_large', imageMessages.tooLarge));
    req.body = fields;
    req.uploadedImage = Buffer.concat(chunks);
    next();
  };
  bb.on('field', (name, value) => {
    fields[name] = value;
  });
  bb.on('file', (name, stream) => {
    if (name !== 'image') return stream.resume();
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('limit', () => {
      tooLarge = true;
    });
  });
  bb.on('error', () => finish(new AppError('invalid_request', 'The upload could not be read.')));
  bb.on('close', () => finish());
  req.pipe(bb);
};
