using CarTConsortium.BuildingBlocks.Security;

namespace CarTConsortium.Slots.UseCases.Runs;

public sealed record ReopenRunCommand(string? CapacityId, long ExpectedRevision);

/// <summary>Puts a closed run that has not started back on offer; the waitlist is offered its places.</summary>
public sealed class ReopenRun(TimeProvider clock, RunChange runChange)
{
    public Task<RunView> ExecuteAsync(ReopenRunCommand command, Caller caller, CancellationToken ct) =>
        runChange.ApplyAsync(caller, command.CapacityId, command.ExpectedRevision, (run, _) => Task.FromResult(run.Reopen(clock.GetUtcNow())), ct);
}
