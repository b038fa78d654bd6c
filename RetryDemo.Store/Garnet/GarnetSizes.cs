using System.Globalization;

namespace RetryDemo.Store.Garnet;

/// <summary>Garnet's sizes as its options spell them: a whole number and k, m or g (powers of 1024).</summary>
public static class GarnetSizes
{
    public static long Parse(string size) => long.Parse(size.AsSpan(0, size.Length - 1), CultureInfo.InvariantCulture) * (char.ToLowerInvariant(size[^1]) switch
    {
        'k' => 1L << 10,
        'm' => 1L << 20,
        'g' => 1L << 30,
        _ => throw new FormatException($"'{size}' is not a size such as 64m: a whole number, then k, m or g."),
    });
}
