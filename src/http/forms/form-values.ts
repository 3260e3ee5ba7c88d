import type { ZodError } from 'zod';
import type { AppError, IssueDetail } from '../../errors';

/** A urlencoded body as express.urlencoded({ extended: false }) gives it: repeated keys are arrays. */
export type FormBody = Record<string, string | string[] | undefined>;

export const asFormBody = (body: unknown): FormBody => (body && typeof body === 'object' ? (body as FormBody) : {});

/** One text field; a repeated key (only a forged form sends one) keeps the last value. */
export function text(body: FormBody, name: string): string {
  const v = body[name];
  if (Array.isArray(v)) return v[v.length - 1] ?? '';
  return typeof v === 'string' ? v : '';
}

/** A checkbox group: zero, one or many values. */
export function list(body: FormBody, name: string): string[] {
  const v = body[name];
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : [];
}

/** Messages per field name ('' = about the whole form), shown next to the inputs. */
export type FieldErrors = Record<string, string[]>;

export function addError(errors: FieldErrors, field: string, message: string): void {
  const list = errors[field] ?? [];
  list.push(message);
  errors[field] = list;
}

export const hasErrors = (errors: FieldErrors): boolean => Object.keys(errors).length > 0;

export function errorsFromIssues(issues: ReadonlyArray<IssueDetail>, known: ReadonlySet<string>): FieldErrors {
  const errors: FieldErrors = {};
  for (const i of issues) {
    const field = i.path.split('.')[0] ?? '';
    addError(errors, known.has(field) ? field : '', i.message);
  }
  return errors;
}

export const zodIssues = (e: ZodError): IssueDetail[] => e.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));

/** An AppError from a service as form errors: its issues when it has some, else its message on `field`. */
export function errorsFromAppError(e: AppError, known: ReadonlySet<string>, field = ''): FieldErrors {
  if (e.issues?.length) return errorsFromIssues(e.issues, known);
  return { [field]: [e.message] };
}

/** The typed name of a confirmation form matches: trimmed, case-insensitive (as the seed). */
export function confirmsName(typed: string, name: string): boolean {
  return typed.trim().toLowerCase() === name.trim().toLowerCase() && typed.trim() !== '';
}
