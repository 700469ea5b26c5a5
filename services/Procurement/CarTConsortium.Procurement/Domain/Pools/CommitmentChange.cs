namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>What happened to a country's commitment.</summary>
public enum CommitmentChange
{
    /// <summary>The country's first commitment to the pool (or its first since it withdrew).</summary>
    Committed,

    /// <summary>The country changed the terms of its commitment.</summary>
    Amended,

    /// <summary>The country took its commitment back.</summary>
    Withdrawn,
}
