using CarTConsortium.Hosting;
using CarTConsortium.Registry;

await DistributedHost.RunAsync(new RegistryModule(), args);
