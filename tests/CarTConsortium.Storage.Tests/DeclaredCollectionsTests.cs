using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>How a module declares its collections to the store that prepares them at start.</summary>
public sealed class DeclaredCollectionsTests
{
    [Fact]
    public void A_modules_collections_class_declares_every_public_static_collection_and_nothing_else()
    {
        var services = new ServiceCollection().AddDocumentCollectionsFrom(typeof(SampleCollections));

        var declared = services.BuildServiceProvider().GetServices<IDocumentCollection>().ToList();

        Assert.Equal(["vials", "sites"], declared.Select(collection => collection.Name));
        Assert.Equal(["lot", "site"], declared[0].KeyNames);
        Assert.Empty(declared[1].KeyNames);
    }

    [Fact]
    public void A_collection_declared_twice_is_prepared_once()
    {
        Assert.Single(DocumentCollectionsRegistration.Distinct([SampleCollections.Vials, SampleCollections.Vials]));
    }

    [Fact]
    public void Keys_of_a_stored_body_are_those_a_write_stores()
    {
        Assert.Equal(new Dictionary<string, string> { ["site"] = "astana", ["lot"] = "L-1", [KeySetMark.Key] = SampleCollections.Vials.KeySet },
            SampleCollections.Vials.KeysOfStored("""{"lot":"L-1","site":"astana","count":3}"""));
    }

    [Fact]
    public void The_key_set_mark_changes_with_the_declared_key_names_only()
    {
        Assert.Equal(new Collection<Vial>("a", ("lot", v => v.Lot), ("site", v => v.Site)).KeySet, SampleCollections.Vials.KeySet);
        Assert.NotEqual(new Collection<Vial>("vials", ("site", v => v.Site)).KeySet, SampleCollections.Vials.KeySet);
        Assert.Empty(SampleCollections.Sites.KeysOfStored("""{"lot":"L-1","site":"astana","count":3}"""));
    }

    private static class SampleCollections
    {
        public static readonly Collection<Vial> Vials = new("vials", ("site", v => v.Site), ("lot", v => v.Lot));

        public static readonly Collection<Vial> Sites = new("sites");

        public static readonly string NotACollection = "ignored";
    }
}
