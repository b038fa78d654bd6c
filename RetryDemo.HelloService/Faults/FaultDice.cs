namespace RetryDemo.HelloService.Faults;

/// <summary>The random source for the failure rate; replaceable in DI so tests can be deterministic.</summary>
public class FaultDice
{
    /// <returns>A number in [0, 1).</returns>
    public virtual double Roll() => Random.Shared.NextDouble();
}
