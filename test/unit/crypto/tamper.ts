// Test helper: every single-character edit of a sealed string, for "tampering any part fails".
export function everyOneCharEdit(sealed: string): string[] {
  const edits: string[] = [];
  for (let i = 0; i < sealed.length; i++) {
    const replacement = sealed[i] === 'A' ? 'B' : 'A';
    edits.push(sealed.slice(0, i) + replacement + sealed.slice(i + 1));
  }
  return edits;
}
