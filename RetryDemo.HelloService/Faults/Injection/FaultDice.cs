namespace RetryDemo.HelloService.Faults.Injection;

/// <summary>The random source for the failure rate; replaceable in DI so tests can be deterministic.</summary>
public class FaultDice
{
    /// <returns>A number in [0, 1).</returns>
    public virtual double Roll() => Random.Shared.NextDouble();

    /// <summary>An attempt's roll: number <paramref name="number"/> under <paramref name="seed"/> when seeded, otherwise a random one.</summary>
    public double RollFor(int? seed, long number, ulong stream = 0) => seed is { } seeded ? Roll(seeded, number, stream) : Roll();

    /// <summary>
    /// Roll number <paramref name="number"/> under <paramref name="seed"/>: the same on every replica and in
    /// every run (SplitMix64's finalizer over both, the top 53 bits as a fraction).
    /// </summary>
    /// <param name="stream">Which of the seed's independent streams: each fault that rolls has its own.</param>
    public static double Roll(int seed, long number, ulong stream = 0)
    {
        var z = ((ulong)(uint)seed << 32) + (ulong)number + 0x9E3779B97F4A7C15UL + (stream * 0xD1B54A32D192ED03UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
