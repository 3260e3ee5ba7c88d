/**
 * /favicon.ico: one 32×32 PNG (a ticket in the brand colour) wrapped in an ICO container, which
 * every browser reads. Built once from this constant; no file on disk, nothing to install.
 */
const PNG_32 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAMAAABEpIrGAAAAolBMVEVMaXH///86TMo6S8o7TMr///86TMo7S8o9T8r///////86S8o6Tso2SMg7S8n///87TMo7S8o7TMn///87TMr////5+f1UY9FVZNGJlN+Jk9/V2fR0gNmFj951gdpAUMs9TsuGkN5UYtGKlN+Ej96Ikt/6+/719vxFVc2aouRHV82ZouNWZdHk5vjj5vinr+fs7fpXZtKxuOrV2PTe4faTnOKkO6JDAAAAFHRSTlMAZaqv8Wbu8h33IaknHKwi7ezwIKNWo9QAAAAJcEhZcwAACxMAAAsTAQCanBgAAADNSURBVDiN5ZJXDoMwEERNCzWkeU0P6b2X+18tchHYCj4B84G0O0/rYW2EeiMvdnGHXCsS/hhrNPAYEOt8jE0GuE0NVI/XqWnYDMCKDwDvRdNCCI2cLGkA+r3coBSNNHMC5AOQSgbwHb68XhIAH9GZJJGA51VMSAn1GAC5kuHDM6yhBbYKAHNWZi1A5CPqMxTyETTkRgl5gD2vKxYyMPKV8pv1UUzAOMmNWdeioJQX9bfqXcEzUk0ZYOkvK2RANND5k6F4EKbdZduh8PugH7HzKuP6B+0pAAAAAElFTkSuQmCC',
  'base64',
);

function icoOf(png: Buffer, size: number): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  const entry = Buffer.alloc(16);
  entry.writeUInt8(size, 0);
  entry.writeUInt8(size, 1);
  entry.writeUInt8(0, 2); // no palette
  entry.writeUInt8(0, 3);
  entry.writeUInt16LE(1, 4); // colour planes
  entry.writeUInt16LE(32, 6); // bits per pixel
  entry.writeUInt32LE(png.length, 8);
  entry.writeUInt32LE(header.length + entry.length, 12);
  return Buffer.concat([header, entry, png]);
}

export const FAVICON_ICO = icoOf(PNG_32, 32);
