namespace RetryDemo.HelloService.Faults.State;

/// <summary>
/// What a replica knows of the operator's switches changing, on any replica: enough to hold what it last read
/// until one does (<see cref="CachedFaultSwitches"/>).
/// </summary>
public interface IFaultSwitchChanges
{
    /// <summary>
    /// A number that moves whenever a change may have been made since it was last read; null while this replica
    /// cannot be sure it hears every change (starting, or a connection to the store lost).
    /// </summary>
    long? Heard { get; }

    /// <summary>Tells every replica a change was made, and returns once each has heard it (or a bound passed).</summary>
    Task AnnounceAsync();
}
