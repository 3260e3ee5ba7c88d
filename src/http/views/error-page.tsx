import type { AppError } from '../../errors';
import { Layout } from './layout';
import { renderDocument } from './render';

const TITLES: Record<number, string> = {
  400: 'Please check the form',
  401: 'Please log in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Not available',
  410: 'This link has expired',
  413: 'Too large',
  415: 'Unsupported request',
  429: 'Too many attempts',
  500: 'Something went wrong',
  503: 'Busy right now',
};

export function renderErrorPage(status: number, error: AppError): string {
  const title = TITLES[status] ?? 'Error';
  const retry = error.retryAfterSeconds;
  return renderDocument(
    <Layout title={title} {...(retry !== undefined ? { refreshSeconds: retry } : {})}>
      <section class="card narrow">
        <h1>{title}</h1>
        <p>{error.message}</p>
        {retry !== undefined && <p class="muted">This page tries again by itself in {retry} seconds.</p>}
        {error.issues && (
          <ul class="errors">
            {error.issues.map((i) => (
              <li>{i.path ? `${i.path}: ${i.message}` : i.message}</li>
            ))}
          </ul>
        )}
      </section>
    </Layout>,
  );
}
