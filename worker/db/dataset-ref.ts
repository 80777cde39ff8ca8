// A dataset's address: the tenant, the integration and the context. Every query of a dataset takes it.
export interface DatasetRef {
  tenantId: string;
  integrationId: string;
  context: string;
}
