using CarTConsortium.Gateway;
using CarTConsortium.ServiceDefaults;

var gateway = new GatewayModule();
var builder = WebApplication.CreateBuilder(args);
builder.Configuration["Eventing:AppId"] ??= gateway.AppId;
builder.AddServiceDefaults();
gateway.AddServices(builder);

var app = builder.Build();
// Reflection is the gateway's own (for every service), so the default one stays off.
app.MapDefaultEndpoints(reflection: false);
gateway.MapEndpoints(app);
await app.RunAsync();
