/**
 * An organiser's accent colour as CSS custom properties. The CSP allows only same-origin
 * stylesheets (no inline styles), so each colour is its own tiny stylesheet whose URL is the
 * colour itself: cached for a year, and the same link works inside embeds.
 */
const HEX = /^[0-9a-f]{6}$/;

export const isThemeColour = (hex: string): boolean => HEX.test(hex);

/** "#3b4cca" → "/assets/theme/3b4cca.css"; null for no (or a malformed) colour. */
export function themeHref(accent: string | null | undefined): string | null {
  const hex = accent?.replace(/^#/, '').toLowerCase();
  return hex && isThemeColour(hex) ? `/assets/theme/${hex}.css` : null;
}

/** WCAG relative luminance of an sRGB colour. */
function luminance(hex: string): number {
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Buttons use the accent as background: their text is white or near-black, whichever reads better. */
export function themeCss(hex: string): string {
  const l = luminance(hex);
  const ink = (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#111111' : '#ffffff';
  return `:root{--brand:#${hex};--brand-ink:${ink}}\n`;
}
