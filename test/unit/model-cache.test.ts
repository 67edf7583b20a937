import { DefinitionError, parseDefinition, parseDefinitionCached } from '../../src/definition';

describe('parseDefinitionCached: one parsed model per definition text', () => {
  const xml = '<process><assign property="x">1</assign><action participant="p"/></process>';

  it('returns the model parseDefinition returns, the same object for the same text', () => {
    const first = parseDefinitionCached(xml);
    expect(first).toEqual(parseDefinition(xml));
    expect(parseDefinitionCached(xml)).toBe(first);
  });

  it('freezes the shared model deeply, so no process can change what another runs', () => {
    const model = parseDefinitionCached(xml);
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(model.activities[0])).toBe(true);
    expect(() => (model.activities as unknown[]).push({})).toThrow(TypeError);
  });

  it('throws DefinitionError for an invalid text every time, keeping nothing', () => {
    expect(() => parseDefinitionCached('<process><nope/></process>')).toThrow(DefinitionError);
    expect(() => parseDefinitionCached('<process><nope/></process>')).toThrow(DefinitionError);
  });
});
