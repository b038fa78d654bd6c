using System.ComponentModel.DataAnnotations;

namespace RetryDemo.HelloService.Faults;

/// <summary>Runs the same DataAnnotations rules at run time that <c>ValidateDataAnnotations</c> runs at start.</summary>
public static class FaultValidation
{
    public static Dictionary<string, string[]> Validate(object instance)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true);

        return results
            .SelectMany(r => (r.MemberNames.Any() ? r.MemberNames : [""]).Select(m => (Member: m, Message: r.ErrorMessage ?? "Invalid value.")))
            .GroupBy(e => e.Member)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
    }
}
