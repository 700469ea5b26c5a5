using CarTConsortium.Hosting;
using CarTConsortium.Procurement;

await DistributedHost.RunAsync(new ProcurementModule(), args);
