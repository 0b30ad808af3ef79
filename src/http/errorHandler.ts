import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../logging/logger';
import { AppError } from './appError';

/** The one error path of the HTTP layer: typed errors and body-parser errors to their status, the rest to 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
    let status = 500;
    let message = 'Internal error';
    if (err instanceof AppError) {
      status = err.status;
      message = err.expose ? err.message : message;
    } else if (e?.type === 'entity.too.large') {
      status = 413;
      message = 'Payload too large';
    } else if (e?.type === 'parameters.too.many') {
      // body-parser creates it as 413, then re-wraps it as 400 on the way out: the type is what is reliable
      status = 413;
      message = 'Payload too large: too many form fields';
    } else if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
      status = 415;
      message = 'Unsupported encoding';
    } else if (typeof (e?.status ?? e?.statusCode) === 'number' && (e.status ?? e.statusCode)! >= 400 && (e.status ?? e.statusCode)! < 500) {
      status = (e.status ?? e.statusCode)!;
      message = 'Bad request: the body could not be read';
    }
    if (status >= 500) logger.error({ err, path: req.path }, 'request failed');
    if (res.headersSent) return;
    res.status(status).type('text/plain').send(message);
  };
}
