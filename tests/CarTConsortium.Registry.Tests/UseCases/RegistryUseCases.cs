using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.UseCases.Members;
using CarTConsortium.Registry.UseCases.Patients;
using CarTConsortium.Registry.UseCases.Products;
using CarTConsortium.Registry.UseCases.Statistics;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>Every use case of the registry over one store and clock, as the module wires them.</summary>
internal class RegistryUseCases(IDocumentStore store, TimeProvider clock, Pseudonymiser pseudonymiser)
{
    public AdmitCountry AdmitCountry { get; } = new(store, clock);
    public ListCountries ListCountries { get; } = new(store);
    public SignAgreement SignAgreement { get; } = new(store, clock);
    public EndAgreement EndAgreement { get; } = new(store, clock);
    public ListAgreements ListAgreements { get; } = new(store);
    public RegisterInstitution RegisterInstitution { get; } = new(store, clock);
    public UpdateInstitution UpdateInstitution { get; } = new(store, clock);
    public GetInstitution GetInstitution { get; } = new(store);
    public ListInstitutions ListInstitutions { get; } = new(store);
    public RegisterProduct RegisterProduct { get; } = new(store, clock);
    public GetProduct GetProduct { get; } = new(store);
    public ListProducts ListProducts { get; } = new(store);
    public EnrolPatient EnrolPatient { get; } = new(store, clock, pseudonymiser);
    public GetPatient GetPatient { get; } = new(store, clock);
    public ListPatients ListPatients { get; } = new(store, clock);
    public ChangeConsent ChangeConsent { get; } = new(store, clock);
    public RecordInfusion RecordInfusion { get; } = new(store, clock);
    public RecordOutcome RecordOutcome { get; } = new(store, clock);
    public ListAccessLog ListAccessLog { get; } = new(store);
    public GetStatistics GetStatistics { get; } = new(store, clock);
}
