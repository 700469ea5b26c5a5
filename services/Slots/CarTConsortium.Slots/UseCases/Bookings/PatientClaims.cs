using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Slots.UseCases.Bookings;

/// <summary>How every use case that gives or takes a patient's booking or waitlist place records it: against the one claim document of the patient.</summary>
public static class PatientClaims
{
    /// <summary>Adds the claim's change to <paramref name="changes"/>: an insert for a first claim, an update (checked against the version read) otherwise, nothing if it is unchanged.</summary>
    public static void Stage(ChangeSet changes, Stored<PatientClaim>? current, PatientClaim next)
    {
        if (current is null)
        {
            changes.Insert(SlotsCollections.PatientClaims, next.Pseudonym, next);
        }
        else if (current.Value != next)
        {
            changes.Update(SlotsCollections.PatientClaims, current, next);
        }
    }
}
