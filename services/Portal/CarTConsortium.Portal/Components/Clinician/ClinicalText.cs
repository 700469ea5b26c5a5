using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Portal.Components.Shared;
using Microsoft.Extensions.Localization;

namespace CarTConsortium.Portal.Components.Clinician;

/// <summary>A record's parts said in words: an outcome, a set of consents, what changed between two readings.</summary>
public static class ClinicalText
{
    public static string Outcome(IStringLocalizer<ClinicianResource> s, Outcome outcome) => outcome.KindCase switch
    {
        Contracts.Registry.V1.Outcome.KindOneofCase.Response => s["Outcome_ResponseText", s["Response_" + outcome.Response.Response]]
            + (outcome.Response.MrdNegative ? ", " + s["Outcome_MrdNegative"] : ""),
        Contracts.Registry.V1.Outcome.KindOneofCase.Toxicity => s["Outcome_ToxicityText", s["Toxicity_" + outcome.Toxicity.Kind], outcome.Toxicity.Grade]
            + (outcome.Toxicity.ResolvedOn is { Year: > 0 } resolved ? ", " + s["Outcome_ResolvedOn", Formats.Day(resolved)] : ""),
        Contracts.Registry.V1.Outcome.KindOneofCase.Relapse => s["Outcome_RelapseText", s["Cd19_" + outcome.Relapse.Cd19Status]],
        Contracts.Registry.V1.Outcome.KindOneofCase.Transplant => outcome.Transplant.Allogeneic ? s["Outcome_TransplantAllogeneic"] : s["Outcome_TransplantOther"],
        Contracts.Registry.V1.Outcome.KindOneofCase.Death => outcome.Death.Cause.Length > 0 ? s["Outcome_DeathText", outcome.Death.Cause] : s["Kind_Death"],
        Contracts.Registry.V1.Outcome.KindOneofCase.FollowUp => s["Outcome_FollowUpText", s["State_" + outcome.FollowUp.DiseaseState]]
            + (outcome.FollowUp.BCellAplasia ? ", " + s["Outcome_BCellAplasia"] : ""),
        _ => s["Kind_Unspecified"],
    };

    /// <summary>The consents given, or that registry consent is withdrawn (the record frozen).</summary>
    public static string Consents(IStringLocalizer<ClinicianResource> s, Consents? consents)
    {
        if (consents is not { Registry: true })
        {
            return s["Consents_Frozen"];
        }
        var given = new List<string> { s["Consent_Registry"] };
        if (consents.CrossBorderSharing)
        {
            given.Add(s["Consent_CrossBorderSharing"]);
        }
        if (consents.Research)
        {
            given.Add(s["Consent_Research"]);
        }
        return string.Join(", ", given);
    }

    /// <summary>What someone else changed between the record as it was read and as it is now.</summary>
    public static string Changes(IStringLocalizer<ClinicianResource> s, Patient? before, Patient? now)
    {
        if (before is null || now is null)
        {
            return "";
        }
        var changes = new List<string>();
        void Consent(string key, bool was, bool isNow)
        {
            if (was != isNow)
            {
                changes.Add(s["Changed_Consent", s[key], Given(s, was), Given(s, isNow)]);
            }
        }
        Consent("Consent_Registry", before.Consents?.Registry ?? false, now.Consents?.Registry ?? false);
        Consent("Consent_CrossBorderSharing", before.Consents?.CrossBorderSharing ?? false, now.Consents?.CrossBorderSharing ?? false);
        Consent("Consent_Research", before.Consents?.Research ?? false, now.Consents?.Research ?? false);
        var seenInfusions = before.Infusions.Select(i => i.InfusionId).ToHashSet(StringComparer.Ordinal);
        changes.AddRange(now.Infusions.Where(i => !seenInfusions.Contains(i.InfusionId))
            .Select(i => s["Changed_Infusion", i.ProductId, Formats.Day(i.InfusedOn)].Value));
        var seenOutcomes = before.Outcomes.Select(o => o.OutcomeId).ToHashSet(StringComparer.Ordinal);
        changes.AddRange(now.Outcomes.Where(o => !seenOutcomes.Contains(o.OutcomeId))
            .Select(o => s["Changed_Outcome", Outcome(s, o), Formats.Day(o.OccurredOn)].Value));
        return changes.Count == 0
            ? s["Changed_Revision", before.Revision?.Version ?? 0, now.Revision?.Version ?? 0]
            : s["Changed_Since", string.Join("; ", changes)];
    }

    private static string Given(IStringLocalizer<ClinicianResource> s, bool given) => given ? s["Consent_Given"] : s["Consent_NotGiven"];
}
