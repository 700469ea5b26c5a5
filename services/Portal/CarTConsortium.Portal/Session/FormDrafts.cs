using System.Text.Json;
using CarTConsortium.BuildingBlocks.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Caching.Memory;

namespace CarTConsortium.Portal.Session;

/// <summary>
/// What a person typed into the forms of the page they are on, kept across an ended session
/// (issue 13): a form registers its input model (<see cref="Keep{T}"/>); when a call finds the
/// session ended, <see cref="Errors.CallGuard"/> saves every registered model (<see cref="SaveAllAsync"/>)
/// before it sends the person to sign in; back on the page, the form takes its draft back once
/// (<see cref="RestoreAsync{T}"/>). Drafts stay on the server, in memory, keyed by the person's
/// subject, the page's path and the form's key, for <see cref="Lifetime"/>; nothing is kept for an
/// anonymous user and no draft is ever logged.
/// </summary>
public sealed class FormDrafts(IMemoryCache cache, AuthenticationStateProvider authentication, NavigationManager navigation, TimeProvider clock)
{
    /// <summary>How long a draft waits for its person to sign in again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    private readonly Dictionary<string, (Func<string> Serialize, string AsKept)> _forms = new(StringComparer.Ordinal);
    private readonly HashSet<string> _restored = new(StringComparer.Ordinal);

    /// <summary>Registers (or replaces) the model the form <paramref name="form"/> of this page binds its inputs to.</summary>
    public void Keep<T>(string form, T input) where T : class =>
        _forms[form] = (() => JsonSerializer.Serialize(input), JsonSerializer.Serialize(input));

    /// <summary>
    /// The form's model for this visit: the draft this person left here (then <c>Restored</c>, for the page to say so)
    /// or <paramref name="fresh"/>; either way registered (<see cref="Keep{T}"/>). Call it from the interactive
    /// render only: a prerender would take the draft back for a page that is thrown away.
    /// </summary>
    public async Task<(T Input, bool Restored)> KeepAsync<T>(string form, T fresh) where T : class
    {
        var kept = await RestoreAsync<T>(form);
        Keep(form, kept ?? fresh);
        return (kept ?? fresh, kept is not null);
    }

    /// <summary>
    /// Saves, for the signed-in person (nothing for an anonymous one), every registered form of this page
    /// that holds something typed: changed since it was registered, or a draft given back here.
    /// </summary>
    public async Task SaveAllAsync()
    {
        if (_forms.Count == 0 || await SubjectAsync() is not { } subject)
        {
            return;
        }
        var savedAt = clock.GetUtcNow();
        foreach (var (form, (serialize, asKept)) in _forms)
        {
            var json = serialize();
            if (json != asKept || _restored.Contains(form))
            {
                cache.Set(Key(subject, form), new Draft(json, savedAt), Lifetime);
            }
        }
    }

    /// <summary>
    /// The draft of <paramref name="form"/> this person left on this page, in a fresh model, or null
    /// (none, expired, or anonymous). A draft is given back once: it is gone afterwards.
    /// </summary>
    public async Task<T?> RestoreAsync<T>(string form) where T : class
    {
        if (await SubjectAsync() is not { } subject)
        {
            return null;
        }
        var key = Key(subject, form);
        if (!cache.TryGetValue(key, out Draft? draft) || draft is null)
        {
            return null;
        }
        cache.Remove(key);
        if (clock.GetUtcNow() - draft.SavedAt > Lifetime)
        {
            return null;
        }
        _restored.Add(form);
        return JsonSerializer.Deserialize<T>(draft.Json);
    }

    private async Task<string?> SubjectAsync()
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        // A subject is unique only at its provider: with the claim's issuer it is the person's across the federation.
        return user.Identity?.IsAuthenticated == true && user.FindFirst(PlatformClaims.Subject) is { Value.Length: > 0 } subject
            ? subject.Issuer + " " + subject.Value
            : null;
    }

    private DraftKey Key(string subject, string form)
    {
        var path = navigation.ToBaseRelativePath(navigation.Uri);
        var end = path.IndexOfAny(['?', '#']);
        return new DraftKey(subject, end < 0 ? path : path[..end], form);
    }

    private sealed record DraftKey(string Subject, string Path, string Form);

    private sealed record Draft(string Json, DateTimeOffset SavedAt);
}
