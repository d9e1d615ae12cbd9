import { createMemoryConnector } from '../connector/memory-connector.ts';
import { describeConnectorConformance } from './connector-conformance.ts';

// The in-memory reference system holds to the contract the kit checks.
describeConnectorConformance('createMemoryConnector', ({ clock, pageSize }) =>
  createMemoryConnector({ id: 'crm', clock, pageSize }),
);
