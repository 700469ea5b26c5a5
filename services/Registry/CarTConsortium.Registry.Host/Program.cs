using CarTConsortium.Registry;
using CarTConsortium.Hosting;

await DistributedHost.RunAsync(new RegistryModule(), args);
