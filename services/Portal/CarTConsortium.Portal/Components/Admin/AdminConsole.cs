using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Portal.Errors;
using CarTConsortium.Portal.Session;
using Google.Protobuf;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;

namespace CarTConsortium.Portal.Components.Admin;

/// <summary>
/// One admin console page: the records in a list, the one chosen in a form beside it. Every call goes
/// through the <see cref="CallGuard"/>; a write that lost an optimistic-concurrency race (ABORTED)
/// reloads the record and says what the other change was. The forms are offered to consortium admins
/// only (the services decide; the portal hides what a role cannot do).
/// </summary>
/// <typeparam name="T">The record, e.g. an institution.</typeparam>
public abstract class AdminConsole<T> : ComponentBase where T : class, IMessage<T>
{
    [Inject] private CallGuard Calls { get; set; } = null!;

    [Inject] private IStringLocalizer<AdminResource> Text { get; set; } = null!;

    [CascadingParameter] private Task<AuthenticationState> Authentication { get; set; } = null!;

    protected IReadOnlyList<T> Rows { get; private set; } = [];

    /// <summary>The record being looked at or edited, as last read; null while a new one is being entered.</summary>
    protected T? Selected { get; set; }

    protected PortalError? LoadError { get; private set; }

    protected PortalError? Error { get; set; }

    /// <summary>After a lost race: what the other change was.</summary>
    protected string? ChangedNote { get; private set; }

    /// <summary>After a write went through: what was saved, for a status line.</summary>
    protected string? SavedNote { get; private set; }

    protected bool Busy { get; private set; }

    protected bool MayManage { get; private set; }

    /// <summary>The fields the form on show has inputs for; the banner lists violations of any other.</summary>
    protected IEnumerable<string> ShownFields { get; private set; } = [];

    protected abstract Task<IReadOnlyList<T>> ListAsync();

    protected abstract string KeyOf(T record);

    /// <summary>The record as it is now; by default as the list has it.</summary>
    protected virtual async Task<T?> ReadAsync(string key) =>
        (await ListAsync()).FirstOrDefault(r => KeyOf(r) == key);

    /// <summary>The resource key prefix of each enum the admin's records carry (e.g. Kind_TreatmentCentre).</summary>
    private static readonly Dictionary<Type, string> EnumKeys = new()
    {
        [typeof(Contracts.Registry.V1.Membership)] = "Membership_",
        [typeof(Contracts.Registry.V1.InstitutionKind)] = "Kind_",
        [typeof(Contracts.Registry.V1.AccreditationStatus)] = "Accreditation_",
        [typeof(Contracts.Registry.V1.CellSource)] = "Source_",
        [typeof(Contracts.Procurement.V1.ItemCategory)] = "Category_",
    };

    protected override async Task OnInitializedAsync()
    {
        if (!RendererInfo.IsInteractive)
        {
            return; // The prerender shows the shell; data comes once, to the interactive page.
        }
        MayManage = (await Authentication).User.Has(Roles.ConsortiumAdmin);
        await LoadAsync();
    }

    protected async Task LoadAsync()
    {
        var loaded = await Calls.RunAsync(ListAsync);
        (Rows, LoadError) = (loaded.Value ?? Rows, loaded.Error);
    }

    /// <summary>Opens a record (read afresh) in the form beside the list.</summary>
    protected async Task SelectAsync(T record)
    {
        (Error, ChangedNote, SavedNote) = (null, null, null);
        var read = await Calls.RunAsync(() => ReadAsync(KeyOf(record)));
        (Selected, Error) = (read.Value ?? record, read.Error);
    }

    /// <summary>Back to entering a new record.</summary>
    protected void New() => (Selected, Error, ChangedNote, SavedNote) = (null, null, null, null);

    /// <summary>Sends a write; on success the list reloads and the saved record is open in the form.</summary>
    protected async Task<bool> WriteAsync(IEnumerable<string> fields, Func<Task<T>> write)
    {
        Busy = true;
        (ChangedNote, SavedNote, ShownFields) = (null, null, fields);
        var before = Selected;
        var result = await Calls.RunAsync(write);
        Error = result.Error;
        if (result.Value is { } saved)
        {
            SavedNote = Text["Saved", KeyOf(saved)].Value;
            Selected = saved;
            await LoadAsync();
        }
        else if (result.Error?.Kind == PortalErrorKind.Changed && before is not null)
        {
            // Someone else wrote first: show the record as it is now, and what they changed.
            var read = await Calls.RunAsync(() => ReadAsync(KeyOf(before)));
            Selected = read.Value ?? before;
            await LoadAsync();
            var changes = Changes.Between(before, Selected, Say);
            ChangedNote = changes.Count > 0
                ? Text["Changed_Since", string.Join("; ", changes)].Value
                : Text["Changed_Nothing"].Value;
        }
        Busy = false;
        return result.Succeeded;
    }

    /// <summary>An enum value in the reader's language, as the lists show it.</summary>
    private string Say(Enum value) => EnumKeys.TryGetValue(value.GetType(), out var prefix) ? Text[prefix + value].Value : value.ToString();
}
