using { lakestream.sales as db } from '../db/schema';

// Served at /odata/v4/sales (V2 through the adapter at /odata/v2/sales).
// Every request needs basic auth; small pages so paging is exercised.
@requires: 'authenticated-user'
service SalesService {
  @cds.query.limit: { default: 200, max: 500 }
  entity SalesOrders as projection on db.SalesOrders;
}
