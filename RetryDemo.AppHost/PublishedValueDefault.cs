using Aspire.Hosting.Publishing;

/// <summary>
/// A parameter default that is also written to the manifest (<c>"default": { "value": … }</c>), so azd
/// uses it instead of asking the deployer. Configuration (<c>Parameters:{name}</c>) still wins at run time.
/// Aspire's own ConstantParameterDefault does the same but is internal.
/// </summary>
internal sealed class PublishedValueDefault(string value) : ParameterDefault
{
    public override string GetDefaultValue() => value;

    public override void WriteToManifest(ManifestPublishingContext context) => context.Writer.WriteString("value", value);
}
