using CarTConsortium.Hosting;
using CarTConsortium.Slots;

await DistributedHost.RunAsync(new SlotsModule(), args);
