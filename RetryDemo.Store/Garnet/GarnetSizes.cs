using System.Globalization;
using System.Numerics;

namespace RetryDemo.Store.Garnet;

/// <summary>Garnet's sizes as its options spell them: a whole number and k, m or g (powers of 1024).</summary>
public static class GarnetSizes
{
    /// <summary>What the Store options accept: lower-case units, as Garnet's own examples spell them.</summary>
    public const string Pattern = "^[0-9]+[kmg]$";

    public static bool TryParse(string? size, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrEmpty(size) || !long.TryParse(size.AsSpan(0, size.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return false;
        }

        var unit = size[^1] switch { 'k' => 1L << 10, 'm' => 1L << 20, 'g' => 1L << 30, _ => 0 };
        return unit != 0 && count <= long.MaxValue / unit && (bytes = count * unit) >= 0;
    }

    public static long Parse(string size) =>
        TryParse(size, out var bytes) ? bytes : throw new FormatException($"'{size}' is not a size such as 64m: a whole number, then k, m or g.");

    public static bool IsPowerOfTwo(long bytes) => bytes > 0 && BitOperations.IsPow2(bytes);
}
