import { buildSchema, parse, validate } from 'graphql';
import schemaSdl from '../../schema.graphql?raw';
import * as adminOperations from './admin/operations';
import * as dashboardOperations from './api/operations';
import * as modelOperations from './model/operations';

// Codegen finds a fragment in any file, but the server sees only the text an operation sends:
// each must carry every fragment it spreads, once, and no other.
const schema = buildSchema(schemaSdl);
const operations = Object.entries({ ...adminOperations, ...dashboardOperations, ...modelOperations }).filter(([name]) =>
  /_(QUERY|MUTATION)$/.test(name),
);

describe('GraphQL operations', () => {
  it('are all found', () => {
    expect(operations.length).toBeGreaterThanOrEqual(18);
  });

  it.each(operations)('%s is a valid document on its own', (_, text) => {
    expect(validate(schema, parse(text)).map((e) => e.message)).toEqual([]);
  });
});
