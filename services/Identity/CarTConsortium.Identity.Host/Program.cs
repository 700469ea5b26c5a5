using CarTConsortium.Identity;
using CarTConsortium.ServiceDefaults;

// One country's identity provider alone: `dotnet run -- --Identity:Country=UZ ...` or another appsettings file.
var builder = WebApplication.CreateBuilder(args);
var country = builder.Configuration[$"{IdentitySettings.Section}:{nameof(IdentitySettings.Country)}"];
var module = new IdentityModule(string.IsNullOrWhiteSpace(country) ? "identity-consortium" : $"identity-{country.Trim().ToLowerInvariant()}");
builder.Configuration["Eventing:AppId"] ??= module.AppId;

builder.AddServiceDefaults();
module.AddServices(builder);

var app = builder.Build();
app.MapDefaultEndpoints(reflection: false);
module.MapEndpoints(app);
await app.RunAsync();
