namespace CarTConsortium.Slots.UseCases.Runs;

public sealed record GetRunCommand(string? CapacityId);

/// <summary>One run and the places taken in it; open to every role.</summary>
public sealed class GetRun(RunReads runs)
{
    public async Task<RunView> ExecuteAsync(GetRunCommand command, CancellationToken ct) =>
        await runs.ViewAsync(await runs.FindAsync(command.CapacityId, ct), ct);
}
