using ScottPlot;
using SkiaSharp;

namespace RetryDemo.Benchmarks.Charts;

/// <summary>Renders experiment series as one PNG line chart, for docs/benchmarks.md.</summary>
public static class LineChart
{
    /// <param name="spans">Ranges of x to shade and label, such as an outage.</param>
    public static void SavePng(string path, string title, string xLabel, string yLabel, IEnumerable<(string Name, double[] Xs, double[] Ys)> series,
        IEnumerable<(double From, double To, string Label)>? spans = null)
    {
        // SkiaSharp's no-dependencies build (no fontconfig) reads fonts from /usr/share/fonts alone;
        // without any there the chart still renders, but with no text.
        if (SKTypeface.Default.GlyphCount == 0)
        {
            Console.Error.WriteLine($"warning: no fonts in /usr/share/fonts, so {path} has no text (Debian: apt-get install fonts-dejavu-core).");
        }

        using var plot = new Plot();
        foreach (var (from, to, label) in spans ?? [])
        {
            var span = plot.Add.HorizontalSpan(from, to);
            span.LegendText = label;
            span.FillStyle.Color = Colors.Gray.WithAlpha(0.15);
            span.LineStyle.Width = 0;
        }

        foreach (var (name, xs, ys) in series)
        {
            plot.Add.Scatter(xs, ys).LegendText = name;
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Bottom);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 560);
    }
}
