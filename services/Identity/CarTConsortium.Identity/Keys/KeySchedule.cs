namespace CarTConsortium.Identity.Keys;

/// <summary>
/// The rotation rules as pure functions of the keys' activation times and the clock, so they
/// can be reasoned about apart from storage and cryptography.
/// </summary>
internal static class KeySchedule
{
    /// <summary>
    /// When a key created now should activate, or null if none is due. The first key signs at
    /// once. A successor is created <see cref="SigningKeySettings.PublishAhead"/> before the
    /// scheduled activation (previous activation + period); if nobody asked until later, its
    /// activation moves so it is still published for the whole lead time before it signs.
    /// </summary>
    public static DateTimeOffset? SuccessorActivation(IReadOnlyList<DateTimeOffset> activations, DateTimeOffset now, SigningKeySettings settings)
    {
        if (activations.Count == 0)
        {
            return now;
        }
        var latest = activations[^1];
        if (latest > now)
        {
            return null;
        }
        var scheduled = latest + settings.RotationPeriod;
        if (now < scheduled - settings.PublishAhead)
        {
            return null;
        }
        var earliest = now + settings.PublishAhead;
        return scheduled > earliest ? scheduled : earliest;
    }

    /// <summary>
    /// The index of the key that signs at <paramref name="now"/>: the last one activated. The first key signs at
    /// once even if its activation is a moment ahead: another replica created it "now" by its own clock, a little
    /// later than this one's. -1 only without keys.
    /// </summary>
    public static int ActiveIndex(IReadOnlyList<DateTimeOffset> activations, DateTimeOffset now)
    {
        for (var i = activations.Count - 1; i >= 0; i--)
        {
            if (activations[i] <= now)
            {
                return i;
            }
        }
        return activations.Count > 0 ? 0 : -1;
    }

    /// <summary>
    /// When key <paramref name="index"/> leaves the JWKS: once its successor has signed for as long
    /// as the longest-lived token it could have signed stays valid. Null while it has no successor.
    /// </summary>
    public static DateTimeOffset? RetiresAt(IReadOnlyList<DateTimeOffset> activations, int index, TimeSpan retention) =>
        index + 1 < activations.Count ? activations[index + 1] + retention : null;
}
