namespace RetryDemo.Benchmarks.Statistics;

/// <summary>
/// Quantiles interpolated linearly between the sorted values, so the median of an even count is the
/// mean of the middle two.
/// </summary>
public static class Quantiles
{
    public static double Of(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToList();
        var position = q * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }

    public static double Median(IEnumerable<double> values) => Of(values, 0.5);
}
