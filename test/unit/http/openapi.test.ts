import { ERROR_CODES } from '../../../src/errors';
import { buildOpenApiDocument } from '../../../src/http/openapi';

describe('OpenAPI document', () => {
  it('lists exactly the error codes the API speaks', () => {
    const doc = buildOpenApiDocument('https://tickets.example');
    const codes = doc.components.schemas.Error.properties.error.properties.code.enum;
    expect([...codes].sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ['too_many_attempts', 'gone', 'internal']) expect(codes).toContain(code);
  });
});
