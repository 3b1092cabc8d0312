// SalesOrders-like data for lakestream's OData ingestion tests.
namespace lakestream.sales;

entity SalesOrders {
  key ID         : String(10);
      customer   : String(40);
      region     : String(10);   // null for some orders (tests null keys)
      amount     : Decimal(15, 2);
      currency   : String(3);
      status     : String(1);
      quantity   : Integer;
      orderDate  : Date;
      modifiedAt : Timestamp @cds.on.update: $now;
}
