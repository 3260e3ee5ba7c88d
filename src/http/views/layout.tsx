import type { ComponentChildren } from 'preact';
import { themeHref } from './theme';

export interface LayoutProps {
  title: string;
  children: ComponentChildren;
  /** Embedded in an organiser's site: no header, resizer script. */
  embed?: boolean;
  /** Meta refresh, e.g. the waiting page that retries by itself. */
  refreshSeconds?: number;
  nav?: ComponentChildren;
  scripts?: string[];
  /** A page of one organiser: their name in the header and the title, not "Boxoffice"; the link goes to their mini-site when it is on, else home. */
  brand?: { name: string; href?: string | undefined; accentColor?: string | null | undefined } | undefined;
}

export function Layout({ title, children, embed, refreshSeconds, nav, scripts, brand }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {refreshSeconds !== undefined && <meta http-equiv="refresh" content={String(refreshSeconds)} />}
        <title>{`${title} · ${brand?.name ?? 'Boxoffice'}`}</title>
        <link rel="icon" href="/favicon.ico" sizes="32x32" />
        <link rel="stylesheet" href="/assets/app.css" />
        {themeHref(brand?.accentColor) && <link rel="stylesheet" href={themeHref(brand?.accentColor)!} />}
      </head>
      <body class={embed ? 'embed' : undefined}>
        {!embed && (
          <a class="skip-link" href="#main">
            Skip to content
          </a>
        )}
        {!embed && (
          <header class="topbar">
            {brand ? (
              // The organiser's own site when it has one, else the home page (which sends a
              // single-organiser install on to that organiser's events).
              <a class="brand" href={brand.href ?? '/'}>
                {brand.name}
              </a>
            ) : (
              <a class="brand" href="/">
                Boxoffice
              </a>
            )}
            {nav}
          </header>
        )}
        <main class="page" id="main" tabindex={-1}>
          {children}
        </main>
        {scripts?.map((src) => (
          <script src={src} defer />
        ))}
      </body>
    </html>
  );
}
