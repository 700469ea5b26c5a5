using CarTConsortium.Slots;
using CarTConsortium.Hosting;

await DistributedHost.RunAsync(new SlotsModule(), args);
