using CarTConsortium.Approvals;
using CarTConsortium.Hosting;

await DistributedHost.RunAsync(new ApprovalsModule(), args);
