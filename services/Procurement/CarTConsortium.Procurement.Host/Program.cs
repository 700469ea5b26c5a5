using CarTConsortium.Procurement;
using CarTConsortium.Hosting;

await DistributedHost.RunAsync(new ProcurementModule(), args);
