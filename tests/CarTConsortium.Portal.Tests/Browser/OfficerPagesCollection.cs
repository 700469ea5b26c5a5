using Xunit;

namespace CarTConsortium.Portal.Tests.Browser;

/// <summary>The procurement, regulator and statistics browser tests share one platform (starting one takes a while on 2 cores) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class OfficerPagesCollection : ICollectionFixture<PortalPlatform>
{
    public const string Name = "officer pages";
}
