using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// A collection seen without its document type: what a store needs at start to create the
/// collection's key indexes and to back-fill a key added in a release.
/// </summary>
public interface IDocumentCollection
{
    string Name { get; }

    /// <summary>The keys queries may filter on, in name order.</summary>
    IReadOnlyList<string> KeyNames { get; }

    /// <summary>The mark a write stores under <see cref="KeySetMark.Key"/> ("" when no keys are declared).</summary>
    string KeySet { get; }

    /// <summary>The keys of a stored body, computed exactly as a write computes them.</summary>
    IReadOnlyDictionary<string, string> KeysOfStored(string json);
}

public sealed partial class Collection<T> : IDocumentCollection
{
    public IReadOnlyList<string> KeyNames => [.. _keys.Keys.Order(StringComparer.Ordinal)];

    public IReadOnlyDictionary<string, string> KeysOfStored(string json) => KeysOf(Deserialize(json));
}

public static class DocumentCollectionsRegistration
{
    /// <summary>
    /// Declares a module's collections to the app's store, which creates their key indexes and
    /// back-fills new keys at start instead of inside the first request.
    /// </summary>
    public static IServiceCollection AddDocumentCollections(this IServiceCollection services, params IDocumentCollection[] collections)
    {
        foreach (var collection in collections)
        {
            services.AddSingleton(collection);
        }
        return services;
    }

    /// <summary>
    /// Declares every public static <see cref="Collection{T}"/> field of <paramref name="holder"/>
    /// (a module's <c>Storage/*Collections</c> class), so a collection added there is prepared without another line.
    /// </summary>
    public static IServiceCollection AddDocumentCollectionsFrom(this IServiceCollection services, Type holder) =>
        services.AddDocumentCollections([.. DeclaredIn(holder)]);

    /// <summary>The public static collection fields of <paramref name="holder"/>, in declaration order.</summary>
    public static IEnumerable<IDocumentCollection> DeclaredIn(Type holder) =>
        holder.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => typeof(IDocumentCollection).IsAssignableFrom(field.FieldType))
            .Select(field => (IDocumentCollection)field.GetValue(null)!);

    /// <summary>The app's declared collections, each name once (several modules may declare a shared one).</summary>
    public static IReadOnlyList<IDocumentCollection> Distinct(IEnumerable<IDocumentCollection> declared) =>
        [.. declared.DistinctBy(collection => collection.Name, StringComparer.Ordinal)];
}
