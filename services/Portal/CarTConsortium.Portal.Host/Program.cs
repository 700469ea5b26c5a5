using CarTConsortium.Portal;
using CarTConsortium.ServiceDefaults;

var portal = new PortalModule();
var builder = WebApplication.CreateBuilder(args);
builder.Configuration["Eventing:AppId"] ??= portal.AppId;
builder.AddServiceDefaults();
portal.AddServices(builder);

var app = builder.Build();
app.MapDefaultEndpoints(reflection: false);
portal.MapEndpoints(app);
await app.RunAsync();
