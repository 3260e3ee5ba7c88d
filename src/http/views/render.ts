import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';

/** Server-side rendering: preact escapes every interpolated value, so no HTML is built by hand. */
export const renderDocument = (page: VNode): string => `<!doctype html>${render(page)}`;
